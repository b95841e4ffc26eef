package tcredit

// Version is the version of this module, without the leading "v" of its tag: "0.2.0"
// is tagged v0.2.0. It is sent in the User-Agent header, and the commands print it
// with --version. scripts/release sets it, together with every nested module's
// requirement of this module.
const Version = "0.2.0"
