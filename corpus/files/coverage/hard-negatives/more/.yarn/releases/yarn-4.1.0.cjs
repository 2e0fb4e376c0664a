"use strict";var e=require("path");
const t={appId:"OFCNCOG2CU",apiKey:"6fe4476ee5a1832882e326b506d14126",indexName:"npm-search"};
module.exports=t;
