package com.webshop.payments;

import com.braintreegateway.BraintreeGateway;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class PaymentConfig {

    // marketplace access token, granted through Braintree Auth
    private static final String BRAINTREE_TOKEN =
        "access_token$production$o6wdgtl2er3wvph1$58b0f3d8fe4f8c638dc9c1b7a89d4777";

    @Bean
    public BraintreeGateway braintreeGateway() {
        return new BraintreeGateway(BRAINTREE_TOKEN);
    }
}
