package tcredit

//go:generate go run ./internal/fieldsdoc -out docs/fields.md
