package hubspot

const accessToken = "4PeDY07wBDs7Vb6WFvQPEHPQ9bQ81NSy"
