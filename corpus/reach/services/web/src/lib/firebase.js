import { initializeApp } from "firebase/app";

export const app = initializeApp({
  apiKey: "AIza7Kj-1W0yn1zLhrtYNWGvLAZwrNKjQkyyyfQ",
  authDomain: "acme-prod-4471.firebaseapp.com",
  projectId: "acme-prod-4471",
});
