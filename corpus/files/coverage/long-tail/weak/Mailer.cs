using System.Net;

class Mailer {
  static SmtpClient Client() => new SmtpClient("smtp.acme-mail.io") {
    Credentials = new NetworkCredential("builds@acme-corp.io", "qwertzui"),
  };
}
