from bot.notifier.service import main

main()
