/** 26 base32 characters = 130 random bits. */
export declare const ID_LENGTH = 26;
export declare const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
export declare const ID_PATTERN: RegExp;
/** A content id: lowercase hex SHA-256. */
export declare const CONTENT_ID_PATTERN: RegExp;
/** Bearer secrets and tickets: 32 random bytes, base64url without padding. */
export declare const SECRET_PATTERN: RegExp;
