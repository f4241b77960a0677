/** Image bytes for the media tests (not a test file). */

/** A 1×1 PNG (8-byte signature, IHDR, IDAT, IEND), base64. */
export const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
