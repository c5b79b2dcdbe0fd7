"""The assistant's own NLU components. Importing the package also compiles the action server's
response schema once (see `action_results`), in every Rasa process that loads the model."""

from bot.components.action_results import install

install()
