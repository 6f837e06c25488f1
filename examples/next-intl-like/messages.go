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
	}
}
