import gitlab
from UnleashClient import UnleashClient

gl = gitlab.Gitlab("https://gitlab.acme-corp.io", job_token="glcbt-ea_zGgWwZ9Y7HexvTB1czEz")
unleash = UnleashClient(url="https://gitlab.acme-corp.io/api/v4/feature_flags/unleash/42",
                        app_name="production", instance_id="glffct-MCpm0s8_jPdsDjAi24Eq")
OAUTH_SECRET = "gloas-acb1d87923ed22e5b514206c3663b3176f6a8137dc0b54b76758c5810a4912bf"
AGENT_TOKEN = "glagent-GvzKxjpXFq90vRJEip1S5McrMXsWXEmfcgX6pExpTYxlgDjuwC"
