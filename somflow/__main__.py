from somflow.cli import main

main()
