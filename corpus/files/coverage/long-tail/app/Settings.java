package io.acme.ledger;

final class Settings {
  static void init() {
    System.setProperty("WAREHOUSE_CREDENTIALS", "Z7403t79r30djF9vAlHfNIPhRPlCxy");
  }
}
