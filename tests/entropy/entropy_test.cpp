#include "entropy/entropy.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace reachscan::entropy {
namespace {

TEST(Shannon, EmptyAndUniform) {
  EXPECT_DOUBLE_EQ(shannon(""), 0.0);
  EXPECT_DOUBLE_EQ(shannon("aaaaaaaa"), 0.0);
  EXPECT_DOUBLE_EQ(shannon("abab"), 1.0);
  EXPECT_DOUBLE_EQ(shannon("abcd"), 2.0);
}

TEST(Shannon, RandomTokensScoreHigh) {
  EXPECT_GT(shannon(testing::fake_token("", 40, 7)), 4.5);
  EXPECT_LT(shannon("password"), 3.0);
}

TEST(Placeholder, Markers) {
  for (const char* p : {"YOUR_API_KEY", "your-token-here", "xxxxxxxxxxxxxxxx", "${DB_PASSWORD}",
                        "{{ .Values.token }}", "<token>", "changeme", "AKIAIOSFODNN7EXAMPLE",
                        "REPLACE_ME_later", "password_here", "my_fake_password", "sample-key",
                        "zzzzzzzzzz", "abc12345678xyz", "Redacted", "****hidden****"}) {
    EXPECT_TRUE(placeholder_reason(p).has_value()) << p;
  }
}

TEST(Placeholder, RandomValuesPass) {
  for (unsigned seed = 1; seed < 200; ++seed) {
    const std::string t = testing::fake_token("", 32, seed);
    // Random tokens may contain marker letters by chance only as parts of longer words.
    EXPECT_FALSE(placeholder_reason(t).has_value()) << t;
  }
  EXPECT_FALSE(placeholder_reason("Tr0ub4dor&3xQ!").has_value());
  // Angle brackets with symbols between them: a WordPress salt, not a <placeholder>.
  EXPECT_FALSE(placeholder_reason("^}P!O;RUxj-wG&^X+n<Bd7EA2%&q%BI]>k2").has_value());
  EXPECT_TRUE(placeholder_reason("key-<your key here>").has_value());
  // "fake" inside a random run is not a word.
  EXPECT_FALSE(placeholder_reason("q9Zfakeb7Wm2").has_value());
  // The proverbial documentation password is one, as a word only.
  EXPECT_TRUE(placeholder_reason("hunter2").has_value());
  EXPECT_FALSE(placeholder_reason("hunter22").has_value());
  EXPECT_FALSE(placeholder_reason("Hunter2019").has_value());
}

TEST(Placeholder, TemplateReferencesOnlyWhereWellFormed) {
  for (const char* p : {"${DB_PASSWORD}", "${var.db[\"pw\"]}", "${{ secrets.TOKEN }}",
                        "#{ENV['API_KEY']}", "{{ .Values.token | quote }}", "pre-${SUFFIX}",
                        "${DB_PASS", "{{ vault_db_password", "#{ENV.fetch("}) {
    EXPECT_TRUE(placeholder_reason(p).has_value()) << p;
  }
  // A closing bracket that matches nothing before the brace closes: text of a password.
  for (const char* p : {"m{{h}o)p${e]nob(ody[finds>-_$#thisone}}", "Q7{{x}z]w${k)Lp9}",
                        "Ed&1cr+{3T$a+{[8LP~i5-[|Z`x-V>;Di_C/E~UnSg{n[h#{D[-t>yIUZ8YqSu3t"}) {
    EXPECT_FALSE(placeholder_reason(p).has_value()) << p;
  }
}

TEST(Placeholder, PuttyCommentIsNoMarker) {
  const std::string head = "PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nComment: ";
  const std::string rest =
      "\nPublic-Lines: 1\nAAAAB3NzaC1yc2EAAAABJQAAAQEAm5d5\nPrivate-Lines: 1\n"
      "AAABAQCO+eW40w29wGn9lPaqHpkrTQW6\nPrivate-MAC: 6730c52e494d4aba11914850\n";
  EXPECT_FALSE(placeholder_reason(head + "dummy-key" + rest).has_value());
  EXPECT_FALSE(placeholder_reason(head + "sample key\r" + rest).has_value());
  // A marker in the key material itself still counts.
  EXPECT_TRUE(placeholder_reason(head + "ci" + rest + "xxxx").has_value());
}

TEST(Placeholder, VariableNamesAndDocumentedExamples) {
  EXPECT_EQ(placeholder_reason("DB_PASSWORD"), "upper-case variable name");
  EXPECT_EQ(placeholder_reason("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
                               "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"),
            "documented example value");
  // Published sample values: the storage emulator's account key, Stripe's API reference keys.
  EXPECT_EQ(placeholder_reason("Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/"
                               "K1SZFPTOtr/KBHBeksoGMGw=="),
            "documented example value");
  EXPECT_EQ(placeholder_reason("sk_test_4eC39HqLyjWDarjtT1zdp7dc"), "documented example value");
  // The public search key inside Yarn's vendored release bundle.
  EXPECT_EQ(placeholder_reason("6fe4476ee5a1832882e326b506d14126"), "documented example value");
  // Digits, lower case or no underscore: a value, not a name.
  for (const char* v : {"DB_PASSWORD2", "AKIAQYLPMN5HHHFPZAM2", "DBPASSWORD", "Db_Password", "_DB"})
    EXPECT_NE(placeholder_reason(v), "upper-case variable name") << v;
}

TEST(GenericValue, HashesPathsAndOwnKeywords) {
  const std::vector<std::string> password = {"password", "passwd", "passphrase", "pwd"};
  for (const char* v : {"$2y$10$OGusddU7nDipgwoCaOLYee/1GRqniRGHllm0ZEkyFQ1E4D8j064MG",
                        "{SSHA}k6kDsGYOeJbM+MIvXsF3Hl7nUjYwNmZk",
                        "sha1:3f9c2a1d0b7e:5d41402abc4b2a76b9719d911017c592",
                        "pbkdf2_sha256$600000$kX2vQ9$Z2l0aHViLWV4YW1wbGU=",
                        "argon2:$argon2id$v=19$m=10240,t=10,p=8$c2FsdA$aGFzaA"}) {
    EXPECT_EQ(generic_value_reason(v, password), "password hash or digest") << v;
  }
  EXPECT_EQ(generic_value_reason("pk.eyJ1IjoiYWNtZS1tYXBzIiwiYSI6ImNsbTRrOXE3dzAwMXIzcG1xIn0.Xk2m",
                                 password),
            "public key form");
  EXPECT_EQ(generic_value_reason("pk_live_51Hk3q9TzW2xQe7LrNp5vB8mK2dYc4Fg", password),
            "public key form");
  EXPECT_EQ(generic_value_reason("extension.0.protected_settings", password), "attribute path");
  EXPECT_EQ(generic_value_reason("os_profile.0.custom_data", password), "attribute path");
  EXPECT_EQ(generic_value_reason("repository.0.username", password), "attribute path");
  for (const char* v :
       {"~/.ssh/deploy_ed25519", "./certs/client-key.pem", "/etc/ssl/private/api.pem"})
    EXPECT_EQ(generic_value_reason(v, password), "file path") << v;
  // A base64 value may start with '/': not a path unless under a usual root, path characters only.
  for (const char* v : {"/Tk9wLm2Zr7q+Xb/1c", "/etc/Tk9+wLm2Zr7q=="})
    EXPECT_NE(generic_value_reason(v, password), "file path") << v;
  EXPECT_EQ(generic_value_reason(
                "testuser:$2y$05$sBsSqk0OpSD1uTZkHXc4FeJ0Z70wLQdAX/82UiHuQOKbNbBrzs6", password),
            "password hash or digest");
  EXPECT_EQ(generic_value_reason("newRootPassword123", password), "spells out its own keyword");
  EXPECT_EQ(generic_value_reason("secretKeyValue1", std::vector<std::string>{"secret"}),
            "spells out its own keyword");
  // A value that starts by counting was typed by hand; a shorter run, or one later on, is kept.
  for (const char* v : {"abcdefg12346+FJQCK", "123456Tq9wLm2Zr", "zyxwvu9Kq2Lm"})
    EXPECT_EQ(generic_value_reason(v, password), "starts with a counting run") << v;
  for (const char* v : {"abcde9Kq2LmZr7", "Tq9wLm2Z123456r"})
    EXPECT_FALSE(generic_value_reason(v, password).has_value()) << v;
  // Keywords under five letters are not checked: "api" turns up in random tokens.
  EXPECT_FALSE(generic_value_reason("q3Rapi9vXm2LkT7w", std::vector<std::string>{"api"}));
  for (const char* v :
       {"Tr0ub4dor&3xQ!", "AccTest4daf986!", "my.host.internal", "Release_2.x!",
        "repository.username", "user:pa$2y$word", "9.0.release", "Ab.cd_ef9", "s3cr3t-Pa55"}) {
    EXPECT_FALSE(generic_value_reason(v, password).has_value()) << v;
  }
  for (unsigned seed = 1; seed < 200; ++seed) {
    const std::string t = testing::fake_token("", 32, seed);
    EXPECT_FALSE(generic_value_reason(t, password).has_value()) << t;
  }
}

}  // namespace
}  // namespace reachscan::entropy
