package com.webshop.data;

import java.util.Properties;
import javax.sql.DataSource;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

public final class DataSourceConfig {

    static final String LEDGER_URL =
        "jdbc:mysql://ledger_app:lcQVIjSdb%0Y9jn9@ledger-db.webshop.internal:3306/ledger?useSSL=true";

    public static DataSource ledger() {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(LEDGER_URL);
        cfg.setPassword(System.getenv("LEDGER_DB_PASSWORD"));
        return new HikariDataSource(cfg);
    }

    public static Properties mailProperties() {
        Properties props = new Properties();
        props.setProperty("mail.smtp.host", "smtp.webshop.internal");
        props.setProperty("mail.smtp.user", "notifier");
        props.setProperty("mail.smtp.password", "30!b~m3k0fXyhUY4");
        return props;
    }
}
