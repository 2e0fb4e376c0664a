// Throwaway keys made once with the real tools, so the verifiers are tested against what those
// tools write, not only against what the tests build themselves. Each was generated for this file
// alone and never used anywhere; none is a credential. (PEM keys, JWTs and tokens are generated
// at test time instead; see verify_test.cpp.)
#pragma once

#include <string_view>

namespace reachscan::verify::fixtures {

// ssh-keygen -t ed25519, passphrase 'throwaway-pass' (aes256-ctr, bcrypt)
inline constexpr std::string_view kOpensshEd25519Encrypted =
    R"key(-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABAVwehh+U
+vGjGczVlktEE1AAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIPZnzO94b4HGFut5
eTuN1vVbWcSf5jDc19d1uOfFzyjMAAAAoGPAZ2K1B9DCenbcLOseDiU7pogFVKi2DcmBC7
AhC5ZgQX+Q5IDwYbqj/tjW1Cj6v1GQl+H8z8aYyT/CC35YXKAXCvpY13KNEzXW86rqexAy
5moyhrO6PXp/kRFalNC6RkNjJfBLV3fMkM4IzxVowAz6Piktn5RiDtbab7KW8+i2fdXpad
j69JWKiU/+V/ctWykMl+SluifJ5VjfuRyiZlo=
-----END OPENSSH PRIVATE KEY-----)key";

// ssh-keygen -t rsa -b 1024, no passphrase
inline constexpr std::string_view kOpensshRsa1024 = R"key(-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAlwAAAAdzc2gtcn
NhAAAAAwEAAQAAAIEAtoTL57D28OcaBA+HoO+/8SmlLXXBR4N0UZkyrhUY0GltK0KXHUPQ
xlKc0NytjVI1eow3LXtDwaGX4waAMWyRUrjMneuV4lg378q/gJd8CyosMg4TdfcCnkANGv
rTVlK5iTwAf1EZE13SQlkeRICddWCihGfiRnCQAJwnxwWWyz8AAAIYTXohok16IaIAAAAH
c3NoLXJzYQAAAIEAtoTL57D28OcaBA+HoO+/8SmlLXXBR4N0UZkyrhUY0GltK0KXHUPQxl
Kc0NytjVI1eow3LXtDwaGX4waAMWyRUrjMneuV4lg378q/gJd8CyosMg4TdfcCnkANGvrT
VlK5iTwAf1EZE13SQlkeRICddWCihGfiRnCQAJwnxwWWyz8AAAADAQABAAAAgDNYtphus3
ngOfRsfgZrjD8HLT3Vw9MfiyithZFtw/ZVwm2KJUMJYgF5Gj6z5ms8dmkMazVzWQNvN3CZ
0pSU62i1DA3c/ozcJZCivPCxKE2OR3uG/DpJN4KD3xQamuv3x953lAt/B6rAsVv0rplJu3
tDUvdM0xzq/+0VSVhVA045AAAAQQDHz/ElLU3tLa0tvMUiWfHMNo2+SDF2uJlUVSoSetGK
KdSDy00QzZox1bg6Qk9sf8H9AaaN6RBW2Kxj3gjZ47TLAAAAQQDs67cnw+Z74ldlm58IvT
YLJLimcNDcfH8GSaPnsZAl3EqhXVQkWUjUj95B1G/X+T5PdCOsgLp6a9HqzGtAcHCrAAAA
QQDFN4u7v0vmE2hugS7h6tox8LECHFgh2B4KRKcUenpsElLs+BM8XiBQPtddW+G747Ks2B
ZIaA/6y4ZVLnWT3Ne9AAAAHXJzYS1maXh0dXJlQHJlYWNoc2Nhbi5pbnZhbGlkAQIDBAU=
-----END OPENSSH PRIVATE KEY-----)key";

// ssh-keygen -t ecdsa -b 256, no passphrase, empty comment
inline constexpr std::string_view kOpensshEcdsa256 = R"key(-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAaAAAABNlY2RzYS
1zaGEyLW5pc3RwMjU2AAAACG5pc3RwMjU2AAAAQQTjbTah/YoB6ceRonytCF2XK9AdwzJZ
Tj2Kxw77KapaGuhLLkSMkdTSk9r0Gj5Bv5tYZfyJp6xWOXxl3cktzbFOAAAAoCF+5oshfu
aLAAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBONtNqH9igHpx5Gi
fK0IXZcr0B3DMllOPYrHDvspqloa6EsuRIyR1NKT2vQaPkG/m1hl/ImnrFY5fGXdyS3NsU
4AAAAhAOKkz03mjRKERCiT2Iz6+TIvz9gkV1TgFWAEiwhw6pByAAAAAAECAwQFBgc=
-----END OPENSSH PRIVATE KEY-----)key";

// puttygen 0.78 -t ed25519, PPK v3, passphrase 'throwaway-pass' (aes256-cbc, Argon2id)
inline constexpr std::string_view kPuttyV3Encrypted = R"key(PuTTY-User-Key-File-3: ssh-ed25519
Encryption: aes256-cbc
Comment: ppk-fixture
Public-Lines: 2
AAAAC3NzaC1lZDI1NTE5AAAAID21E14rzijLLnjq1c6DgE4LaEm3izVvdclqtS4F
u2eG
Key-Derivation: Argon2id
Argon2-Memory: 8192
Argon2-Passes: 13
Argon2-Parallelism: 1
Argon2-Salt: 4a2aae284fcc323a3963ca061eb5aef6
Private-Lines: 1
WkORdhF/y5AoM3dbJw41Q9taXztVL1QvZjqrDAybhmYsdLhYoMgt9VccbmM4ZJge
Private-MAC: 90111bb6ffa5d93c130a95603a74293feec8b2f6f49705ad5dcb4a393cfa090b)key";

// puttygen 0.78 -t ed25519 --ppk-param version=2, passphrase 'throwaway-pass'
inline constexpr std::string_view kPuttyV2Encrypted = R"key(PuTTY-User-Key-File-2: ssh-ed25519
Encryption: aes256-cbc
Comment: ppk2-fixture
Public-Lines: 2
AAAAC3NzaC1lZDI1NTE5AAAAINUfGq7Ittr5xMf1ZarhP7QMBw5pWbthJp459Efj
1NPN
Private-Lines: 1
x5d5VZ0aRvr6STVruKiFTlNweAVuO/O7oSOlCpAJ8o2kJKGNSQeVe0D4Oy5AAgOW
Private-MAC: f96cf5685fdcdddcbb110c534f7159bedc1bc5a9)key";

// puttygen 0.78 -t rsa -b 1024, PPK v3, no passphrase
inline constexpr std::string_view kPuttyV3Rsa1024 = R"key(PuTTY-User-Key-File-3: ssh-rsa
Encryption: none
Comment: rsa-ppk
Public-Lines: 4
AAAAB3NzaC1yc2EAAAADAQABAAAAgQCdHAdUSEBLlTqPbFCQ/8YnGoHPxbk9dnt7
FldMqrcZecL7ynfm5ztrUJnSvikgz/YIZL8Amsge/Qqoy3lOiMEJd1W8ysIlVwhP
xDB3rtxvkJTfh3FWiypAkPvwpxnFMAqcg4/xbRrj83j7Rjnz49YzbaF8UsMeLcEk
x+4EVTANIQ==
Private-Lines: 8
AAAAgQCPZQ2rd2Z3lfSlAw9lyI1rE1537Ndtqb56UaHMb+Q+dEvq1JkrPtGU2TQM
jVOshyLf9lP+kUcmQX6BIXXOoDLOqhnn6RYEXZSamWhFKQf7X2wAl8xAtdVtNRTT
9urXCo5MKPikxCEb5Cg9hbD/tCqgLqqo7JQSdqthDWbCCQUTgQAAAEEA1nxGbVO/
IrmYPN1g6n80x9vANxGAjpYkSknxaPSzd3vu+xaYsujcd0ASapCdPwO3RNbIpML1
YAPcvDPKrW/4pQAAAEEAu4TISNQh2WaLx9E6pKv1fP2ZUrdQCZAXcBSq3QzNkEUs
dS1hpKJmPAH78AokMEyYMevYqQyGBd2AOkIV18pdzQAAAEEAmoui3vjYp2icwRhp
iu7x+uTp8GqiFMnoBdzsn1BzXJm067L5IqMkdr+y1uMDnGZRyReTPL2/uwoVk8t1
K4ztTQ==
Private-MAC: 17cbba0dd36e6a8c812804c0575daeaa4788c612ffbb3e0087c459c30b1b92e6)key";

// gpg 2.2 --quick-gen-key ed25519, passphrase 'throwaway-pass', --export-secret-keys --armor
inline constexpr std::string_view kPgpEd25519Encrypted = R"key(-----BEGIN PGP PRIVATE KEY BLOCK-----

lIYEawLLBBYJKwYBBAHaRw8BAQdAtjTMjH/AB3iLTjWZsQ95TliegcM7Xn8meBa0
o9Nnn4j+BwMCDML9mVIhKaX/8snde+/CcdDfno5G3ZnyNPdJ6I0e4YdrYpg9qall
j6oKPKsyjhhnLIb0szym9M2prGRqj6YjXK7Q7jB2sHZT69uwvGx1vLQjRml4dHVy
ZSA8Zml4dHVyZUByZWFjaHNjYW4uaW52YWxpZD6IkAQTFggAOBYhBNPpHOA1uxW9
TYecxkPgjyRkHHx4BQJrAssEAhsDBQsJCAcCBhUKCQgLAgQWAgMBAh4BAheAAAoJ
EEPgjyRkHHx4V7AA/0fL7xNJJNglXJXiE5Z6XlycwffUPnPEfpZdNtu/GM/wAQDP
CoXQ07N+gE7i2mmDqbI6YbPyYQcDIaWAinxB90wiAg==
=fSY+
-----END PGP PRIVATE KEY BLOCK-----)key";

// gpg 2.2 --quick-gen-key rsa1024, no passphrase, --export-secret-keys --armor
inline constexpr std::string_view kPgpRsa1024 = R"key(-----BEGIN PGP PRIVATE KEY BLOCK-----

lQHYBGsCywcBBAC9xwPHTcrIDwPxhcuaP1Wt92+GvtpIdsy5819GFc5gl28pJ/Cp
HYJvY/GdF0NdsQ4HhM/3bokreofMEnCgg5dErYwUn3Ss2IKmlIefDL6396yCTSu5
+p4YAAhmM4/XnClCviGhcpnt1LDXme3sMgTwb+llIY6QcWnoUMytLq7tJQARAQAB
AAP7B0X6HVicKbw3lrldwwjj4AHAdr3YUFgrQwIyl9VMnlOXeVCUTur4XYwLTc2/
MXdQdhXPQaitHas5yqa3RdOdR73ohudFvu+hHau7Q9jsSf5NH4/HkMbqYInPz2BO
9rK/3lh52sJQ/hy/c91GuMDPCtSPFBzzHarBHC3iriGO/DkCANn4vMYqfjAYqR4G
k973HDqTbnnuYBB/Zgju4ni67v3ChVJ9ab32TGN7ZnVtZCLy1NkF9hy/Vf0QXqdD
HaKmTVkCAN7jCgBphvWqMfe/FHxFPAaSMvJJf+HMMeHdVii4A21/eLdSqChyW+7e
5k2Kvv29UiHd8BlMOPbh3SLP6PVU6K0B/3FtcLi/25uaChm4jTib5hmjLPGl1soh
3slQAfdPCzFjiq9549hLTIvoo0TFTn7KX0XCRXRZzJ5p1W9eeIMJkDap+LQhUGxh
aW4gUlNBIDxyc2FAcmVhY2hzY2FuLmludmFsaWQ+iM4EEwEKADgWIQSz8zFRb0Xk
PoJDZDoQHgFGnSvZBgUCawLLBwIbAwULCQgHAgYVCgkICwIEFgIDAQIeAQIXgAAK
CRAQHgFGnSvZBthdBACQFc7ONmlDayWxZRIoTvgz4Y4J9SQnmu2Cg8xGeFqKob5y
Bc3TyEMRSgneNqlEuE77/+8NXznZJY/VjDIMX8JniY1HfUGnQ0Da2qCUXVKX4Zbs
nAUMlOIMv+9bYDoWrVU4ybfKeBX3BeJHxIQbE+kPXykjPzXYLWLzooJwN6RHNA==
=a6UL
-----END PGP PRIVATE KEY BLOCK-----)key";

}  // namespace reachscan::verify::fixtures
