export const environments = {
  development: {
    apiUrl: "http://localhost:8000",
    mapsKey: "AIzayGAT44wo1Ck_TSHm_oxUX-F6G_qRtm0e7kF",
  },
  production: {
    apiUrl: "https://api.acme.com",
    mapsKey: "AIzais1KTxfMCtHRyiPiaC_h7ykCw2vHangH2SJ",
  },
};
