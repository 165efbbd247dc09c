"""Language-model layer: model files (assets), generators (llama.cpp, OpenAI-compatible, transformers)."""
