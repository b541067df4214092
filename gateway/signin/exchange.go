package signin

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// RFC 8693 identifiers.
const (
	GrantTypeTokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange"
	TokenTypeIDToken       = "urn:ietf:params:oauth:token-type:id_token"
	TokenTypeAccessToken   = "urn:ietf:params:oauth:token-type:access_token"
	TokenTypeJWT           = "urn:ietf:params:oauth:token-type:jwt"
)

// ExchangeHandler serves the RFC 8693 token exchange: a client that signed a person in at the
// OpenID provider presents the ID token and receives a Lienket access token for one of the
// person's grants.
//
//	POST /oauth/token
//	Content-Type: application/x-www-form-urlencoded
//
//	grant_type=urn:ietf:params:oauth:grant-type:token-exchange
//	subject_token=<the provider's ID token>
//	subject_token_type=urn:ietf:params:oauth:token-type:id_token
//	requested_token_type=urn:ietf:params:oauth:token-type:access_token   (optional)
//	grant=users/{user}/grants/{grant}   (Lienket extension; optional when the person holds one grant)
//
// Success is 200 with access_token, issued_token_type, token_type "Bearer", expires_in and
// grant. Errors follow RFC 6749 §5.2 ({"error", "error_description"}); when the person holds
// several grants and none was named, the 400 invalid_request answer lists them under "grants"
// (name, role, display_name) so the client can ask the person and retry.
func ExchangeHandler(s *Service, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.Default()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "use POST", nil)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			oauthError(w, http.StatusBadRequest, "invalid_request", "the body must be an application/x-www-form-urlencoded form of at most 64 KiB", nil)
			return
		}
		f := r.PostForm
		switch {
		case f.Get("grant_type") != GrantTypeTokenExchange:
			oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be "+GrantTypeTokenExchange, nil)
			return
		case f.Get("subject_token") == "":
			oauthError(w, http.StatusBadRequest, "invalid_request", "subject_token is required", nil)
			return
		case f.Get("subject_token_type") != TokenTypeIDToken:
			oauthError(w, http.StatusBadRequest, "invalid_request", "subject_token_type must be "+TokenTypeIDToken, nil)
			return
		}
		if rt := f.Get("requested_token_type"); rt != "" && rt != TokenTypeAccessToken && rt != TokenTypeJWT {
			oauthError(w, http.StatusBadRequest, "invalid_request", "requested_token_type must be "+TokenTypeAccessToken, nil)
			return
		}
		tok, err := s.exchange(r, f.Get("subject_token"), strings.TrimSpace(f.Get("grant")))
		if err != nil {
			exchangeError(w, log, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"access_token":      tok.Value,
			"issued_token_type": TokenTypeAccessToken,
			"token_type":        "Bearer",
			"expires_in":        int64(time.Until(tok.Expiry).Seconds()),
			"grant":             tok.Grant.GetName(),
		})
	})
}

// choiceError carries the grants to choose from.
type choiceError struct{ grants []map[string]string }

func (choiceError) Error() string { return ErrChooseGrant.Error() }
func (choiceError) Unwrap() error { return ErrChooseGrant }

func (s *Service) exchange(r *http.Request, idToken, grant string) (Token, error) {
	id, err := s.VerifyIDToken(r.Context(), idToken)
	if err != nil {
		return Token{}, err
	}
	u, err := s.Person(r.Context(), id)
	if err != nil {
		return Token{}, err
	}
	g, err := ChooseGrant(u, grant)
	if errors.Is(err, ErrChooseGrant) {
		var list []map[string]string
		for _, g := range u.GetGrants() {
			list = append(list, map[string]string{"name": g.GetName(), "role": g.GetRole().String(), "display_name": g.GetDisplayName()})
		}
		return Token{}, choiceError{list}
	}
	if err != nil {
		return Token{}, err
	}
	return s.Mint(u, g)
}

func exchangeError(w http.ResponseWriter, log *slog.Logger, r *http.Request, err error) {
	var choice choiceError
	switch {
	case errors.As(err, &choice):
		oauthError(w, http.StatusBadRequest, "invalid_request", "the person holds several grants: name one in the grant parameter", map[string]any{"grants": choice.grants})
	case errors.Is(err, ErrUnavailable):
		log.WarnContext(r.Context(), "token exchange unavailable", "error", err)
		oauthError(w, http.StatusServiceUnavailable, "temporarily_unavailable", ErrUnavailable.Error(), nil)
	case errors.Is(err, ErrUnknownPerson), errors.Is(err, ErrNoGrant), errors.Is(err, ErrGrantNotHeld), errors.Is(err, ErrInvalidIDToken):
		oauthError(w, http.StatusBadRequest, "invalid_grant", err.Error(), nil)
	default:
		log.ErrorContext(r.Context(), "token exchange failed", "error", err)
		oauthError(w, http.StatusInternalServerError, "server_error", "the exchange failed; try again later", nil)
	}
}

func oauthError(w http.ResponseWriter, code int, kind, desc string, extra map[string]any) {
	body := map[string]any{"error": kind, "error_description": desc}
	for k, v := range extra {
		body[k] = v
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}
