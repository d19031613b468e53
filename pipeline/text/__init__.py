"""Text primitives every layer shares: character classes (`cjk`) and the line joiner
(`join`). Pure functions of strings; nothing here imports the rest of the pipeline."""
