package h5

// For the tests of package h5_test: what the store keeps of a cookie and of a CSRF
// token, and the token of a cookie.
var (
	StoreID    = storeID
	CSRFToken  = csrfToken
	CSRFDigest = csrfDigest
)
