// Identifier formats. Peer ids must pass the peerjs client's own check
// (^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$), so ids use lowercase base32 only.

/** 26 base32 characters = 130 random bits. */
export const ID_LENGTH = 26;
export const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
export const ID_PATTERN = /^[a-z2-7]{26}$/;

/** A content id: lowercase hex SHA-256. */
export const CONTENT_ID_PATTERN = /^[0-9a-f]{64}$/;

/** Bearer secrets and tickets: 32 random bytes, base64url without padding. */
export const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
