package tcredittest

// The scenarios' names before they carried the prefix of their type, kept until v1.0.
const (
	// Deprecated: Use ScenarioSuccess.
	Success = ScenarioSuccess
	// Deprecated: Use ScenarioPartial.
	Partial = ScenarioPartial
	// Deprecated: Use ScenarioSMSChallenge.
	SMSChallenge = ScenarioSMSChallenge
	// Deprecated: Use ScenarioCaptchaChallenge.
	ImageChallenge = ScenarioCaptchaChallenge
	// Deprecated: Use ScenarioWrongPassword.
	WrongPassword = ScenarioWrongPassword
	// Deprecated: Use ScenarioWrongCode.
	WrongCode = ScenarioWrongCode
	// Deprecated: Use ScenarioInputTimeout.
	InputTimeout = ScenarioInputTimeout
	// Deprecated: Use ScenarioSiteDown.
	SiteDown = ScenarioSiteDown
	// Deprecated: Use ScenarioSiteUnstable.
	SiteUnstable = ScenarioSiteUnstable
	// Deprecated: Use ScenarioCrawlFailure.
	CrawlFailure = ScenarioCrawlFailure

	// ScenarioImageChallenge is ScenarioCaptchaChallenge's name before it said captcha,
	// as the rest of the module does.
	//
	// Deprecated: Use ScenarioCaptchaChallenge.
	ScenarioImageChallenge = ScenarioCaptchaChallenge
)
