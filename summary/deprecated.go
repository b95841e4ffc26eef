package summary

// The states' names before they carried the name of their type, kept until v1.0.
const (
	// Deprecated: Use StatusUnknown.
	Unknown = StatusUnknown
	// Deprecated: Use StatusActive.
	Active = StatusActive
	// Deprecated: Use StatusSealed.
	Sealed = StatusSealed
	// Deprecated: Use StatusClosed.
	Closed = StatusClosed
)
