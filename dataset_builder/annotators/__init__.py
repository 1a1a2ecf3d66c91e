"""The builder's own (silver) annotators: small steps, text in, annotations out."""
