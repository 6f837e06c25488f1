package main

// messages are the UI strings of one locale.
type messages struct {
	Language      string // the locale's name in its own language, for the switcher
	SwitchTo      string // label of the language switcher
	Home          string
	HomeTitle     string
	Tagline       string
	DemoProvider  string
	Welcome       string // a format with one %s: the user's name
	NotSignedIn   string
	Login         string
	Logout        string
	Profile       string
	ProfileTitle  string
	ServerProfile string
	ServerNote    string
	ClientProfile string
	ClientNote    string
	Name          string
	Email         string
	Subject       string
	Loading       string
	FetchFailed   string

	// The error page of the sign-in routes, and the page of unknown paths.
	ErrorTitle       string // heading of a failed sign-in
	UnavailableTitle string // heading when the provider or the session store is unavailable
	ErrorCode        string // label of the error's code
	LoginAgain       string
	BackHome         string
	ErrStateExpired  string // missing_state, invalid_state
	ErrRefused       string // authorization_error: refused or cancelled at the provider
	ErrExchange      string // authorization_code_grant_error
	ErrProviderDown  string // provider_unavailable
	ErrStoreDown     string // session_store_unavailable
	ErrRequest       string // invalid_request
	ErrGeneric       string // anything else
	NotFoundTitle    string
	NotFoundText     string
}

// messagesFor returns the UI strings of locale, English for a locale it does not know.
func messagesFor(locale string) messages {
	switch locale {
	case "fr":
		return french()
	case "de":
		return german()
	default:
		return english()
	}
}

func english() messages {
	return messages{
		Language:      "English",
		SwitchTo:      "Language",
		Home:          "Home",
		HomeTitle:     "authchain with a locale-prefix i18n middleware",
		Tagline:       "Every page lives under its locale; signing in works the same in every language.",
		DemoProvider:  "Sign-in goes to a demo OpenID Provider that runs with this app: no real account is needed.",
		Welcome:       "Welcome, %s!",
		NotSignedIn:   "You are not signed in.",
		Login:         "Log in",
		Logout:        "Log out",
		Profile:       "Profile",
		ProfileTitle:  "Your profile",
		ServerProfile: "From the server",
		ServerNote:    "Rendered on the server from the session.",
		ClientProfile: "From the browser",
		ClientNote:    "Fetched by this page from /auth/profile.",
		Name:          "Name",
		Email:         "Email",
		Subject:       "Subject (sub)",
		Loading:       "Loading…",
		FetchFailed:   "The profile could not be loaded.",

		ErrorTitle:       "We could not sign you in",
		UnavailableTitle: "Sign-in is unavailable right now",
		ErrorCode:        "Error code",
		LoginAgain:       "Log in again",
		BackHome:         "Go to the home page",
		ErrStateExpired:  "This sign-in link has expired or was opened in another browser.",
		ErrRefused:       "The sign-in was cancelled or refused at the identity provider.",
		ErrExchange:      "The identity provider did not confirm the sign-in.",
		ErrProviderDown:  "The identity provider cannot be reached. Please try again in a moment.",
		ErrStoreDown:     "Your session cannot be saved right now. Please try again in a moment.",
		ErrRequest:       "The sign-in request is not valid.",
		ErrGeneric:       "Something went wrong while signing you in.",
		NotFoundTitle:    "Page not found",
		NotFoundText:     "There is no page at this address.",
	}
}

func french() messages {
	return messages{
		Language:      "Français",
		SwitchTo:      "Langue",
		Home:          "Accueil",
		HomeTitle:     "authchain avec un middleware i18n à préfixe de langue",
		Tagline:       "Chaque page vit sous sa langue ; la connexion fonctionne de la même façon dans toutes les langues.",
		DemoProvider:  "La connexion passe par un fournisseur OpenID de démonstration lancé avec l’application : aucun vrai compte n’est nécessaire.",
		Welcome:       "Bienvenue, %s !",
		NotSignedIn:   "Vous n’êtes pas connecté.",
		Login:         "Se connecter",
		Logout:        "Se déconnecter",
		Profile:       "Profil",
		ProfileTitle:  "Votre profil",
		ServerProfile: "Côté serveur",
		ServerNote:    "Rendu par le serveur à partir de la session.",
		ClientProfile: "Côté navigateur",
		ClientNote:    "Chargé par cette page depuis /auth/profile.",
		Name:          "Nom",
		Email:         "E-mail",
		Subject:       "Identifiant (sub)",
		Loading:       "Chargement…",
		FetchFailed:   "Le profil n’a pas pu être chargé.",

		ErrorTitle:       "La connexion a échoué",
		UnavailableTitle: "La connexion est indisponible pour le moment",
		ErrorCode:        "Code d’erreur",
		LoginAgain:       "Se reconnecter",
		BackHome:         "Revenir à l’accueil",
		ErrStateExpired:  "Ce lien de connexion a expiré ou a été ouvert dans un autre navigateur.",
		ErrRefused:       "La connexion a été annulée ou refusée par le fournisseur d’identité.",
		ErrExchange:      "Le fournisseur d’identité n’a pas confirmé la connexion.",
		ErrProviderDown:  "Le fournisseur d’identité est injoignable. Réessayez dans un instant.",
		ErrStoreDown:     "Votre session ne peut pas être enregistrée pour le moment. Réessayez dans un instant.",
		ErrRequest:       "La demande de connexion n’est pas valide.",
		ErrGeneric:       "Un problème est survenu pendant la connexion.",
		NotFoundTitle:    "Page introuvable",
		NotFoundText:     "Il n’y a aucune page à cette adresse.",
	}
}

func german() messages {
	return messages{
		Language:      "Deutsch",
		SwitchTo:      "Sprache",
		Home:          "Startseite",
		HomeTitle:     "authchain mit einer i18n-Middleware mit Sprachpräfix",
		Tagline:       "Jede Seite liegt unter ihrer Sprache; die Anmeldung funktioniert in jeder Sprache gleich.",
		DemoProvider:  "Die Anmeldung läuft über einen Demo-OpenID-Provider, der mit dieser App startet: Ein echtes Konto ist nicht nötig.",
		Welcome:       "Willkommen, %s!",
		NotSignedIn:   "Sie sind nicht angemeldet.",
		Login:         "Anmelden",
		Logout:        "Abmelden",
		Profile:       "Profil",
		ProfileTitle:  "Ihr Profil",
		ServerProfile: "Vom Server",
		ServerNote:    "Auf dem Server aus der Sitzung gerendert.",
		ClientProfile: "Im Browser",
		ClientNote:    "Von dieser Seite über /auth/profile abgerufen.",
		Name:          "Name",
		Email:         "E-Mail",
		Subject:       "Kennung (sub)",
		Loading:       "Wird geladen…",
		FetchFailed:   "Das Profil konnte nicht geladen werden.",

		ErrorTitle:       "Die Anmeldung ist fehlgeschlagen",
		UnavailableTitle: "Die Anmeldung ist gerade nicht möglich",
		ErrorCode:        "Fehlercode",
		LoginAgain:       "Erneut anmelden",
		BackHome:         "Zur Startseite",
		ErrStateExpired:  "Dieser Anmeldelink ist abgelaufen oder wurde in einem anderen Browser geöffnet.",
		ErrRefused:       "Die Anmeldung wurde beim Identitätsanbieter abgebrochen oder abgelehnt.",
		ErrExchange:      "Der Identitätsanbieter hat die Anmeldung nicht bestätigt.",
		ErrProviderDown:  "Der Identitätsanbieter ist nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.",
		ErrStoreDown:     "Ihre Sitzung kann gerade nicht gespeichert werden. Bitte versuchen Sie es gleich noch einmal.",
		ErrRequest:       "Die Anmeldeanfrage ist ungültig.",
		ErrGeneric:       "Bei der Anmeldung ist ein Fehler aufgetreten.",
		NotFoundTitle:    "Seite nicht gefunden",
		NotFoundText:     "Unter dieser Adresse gibt es keine Seite.",
	}
}

// errorText returns the sentence of m that explains the error code of a failed sign-in.
func (m messages) errorText(code string) string {
	switch code {
	case "missing_state", "invalid_state":
		return m.ErrStateExpired
	case "authorization_error":
		return m.ErrRefused
	case "authorization_code_grant_error":
		return m.ErrExchange
	case "provider_unavailable":
		return m.ErrProviderDown
	case "session_store_unavailable":
		return m.ErrStoreDown
	case "invalid_request":
		return m.ErrRequest
	default:
		return m.ErrGeneric
	}
}
