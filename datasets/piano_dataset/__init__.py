"""piano_dataset dataset."""
