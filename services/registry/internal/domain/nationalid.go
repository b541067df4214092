package domain

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
)

// ErrNationalID explains an invalid national ID number.
var ErrNationalID = errors.New("must be a 12-digit citizen identity number (CCCD) or a 9-digit legacy ID (CMND)")

// NationalID is what the registry keeps of a national ID number: a keyed hash (to find
// duplicates without storing the number) and the last four digits (to help a person recognise
// it). The number itself is never stored, returned or logged.
type NationalID struct {
	Hash  string
	Last4 string
}

// ProtectNationalID validates and protects a national ID number with key.
func ProtectNationalID(number string, key []byte) (NationalID, error) {
	if (len(number) != 12 && len(number) != 9) || !allDigits(number) {
		return NationalID{}, ErrNationalID
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(number))
	return NationalID{Hash: hex.EncodeToString(m.Sum(nil)), Last4: number[len(number)-4:]}, nil
}
