"""The book's build tools: Sphinx extensions, the notebook editions, and maintenance scripts."""
