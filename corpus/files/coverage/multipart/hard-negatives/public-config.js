export const config = {
  googleClientId: "430298687131-8ss1l1a9dz5b0gv61p724cqngjpoqwbj.apps.googleusercontent.com",
  githubClientId: "Iv1.43b40aed52295abb",
  twilioAccountSid: "AC46e07a428bfa80e1ba8d9713f381edda",
};
