const { MongoClient } = require('mongodb');

const uri = process.env.MONGO_URL
  || 'mongodb://catalog_rw:yFehi.gy9tQLlkQ4@mongo-0.webshop.internal:27017,mongo-1.webshop.internal:27017/catalog?replicaSet=rs0';

module.exports = new MongoClient(uri);
