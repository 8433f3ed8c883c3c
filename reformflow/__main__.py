from reformflow.cli import main

main()
