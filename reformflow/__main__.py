from reformflow.cli.main import main

main()
