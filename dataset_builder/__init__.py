"""dataset_builder: Arabic/English news articles → a versioned, annotated Hugging Face dataset."""

__all__ = ["__version__"]

__version__ = "0.1.0"
