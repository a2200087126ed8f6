from somflow.cli import main

# Guarded: the inbox sandbox starts its worker with "spawn", which imports this module again.
if __name__ == "__main__":
    main()
