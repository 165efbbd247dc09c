"""`python -m planbot …`: the same command line as the `planbot` script."""

from planbot.cli import app

if __name__ == "__main__":
    app()
