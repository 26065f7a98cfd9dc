import os
import sys

# Rasa's telemetry and crash reports would send conversation data to Rasa's servers.
os.environ["RASA_TELEMETRY_ENABLED"] = "false"
from rasa.__main__ import main

import bot.rasa_server.auth  # noqa: F401  (every route needs RASA_TOKEN)
import bot.rasa_server.patches  # noqa: F401  (applies the fixes before Rasa runs)
from common.privacy import protect_logs

protect_logs()
sys.argv[0] = "rasa"
sys.exit(main())
