import sys

from rasa.__main__ import main

import bot.rasa_server.patches  # noqa: F401  (applies the fixes before Rasa runs)

sys.argv[0] = "rasa"
sys.exit(main())
