// TOTP (RFC 6238) for the browser tests: the codes an authenticator app would show for the
// secret an enrolment page displays. HMAC-SHA-1, 30-second steps, 6 digits, as Liaison uses.
import { createHmac } from 'node:crypto';

const kAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const kStepSeconds = 30;

// RFC 4648 base32 to bytes. Blanks and dashes (how pages group the secret for reading) and
// trailing padding are ignored; lower case is accepted; any other character is an error.
export function base32Decode(text) {
  const clean = text.replace(/[\s-]/g, '').replace(/=+$/, '').toUpperCase();
  const bytes = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of clean) {
    const index = kAlphabet.indexOf(ch);
    if (index < 0) throw new Error(`not a base32 character: ${JSON.stringify(ch)}`);
    buffer = ((buffer << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >>> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

// The time step (counter) that a Unix time in milliseconds falls in.
export function timeStep(unixMilliseconds) {
  return Math.floor(unixMilliseconds / 1000 / kStepSeconds);
}

// HOTP (RFC 4226) of one counter value: dynamic truncation of HMAC-SHA-1, `digits` digits.
export function hotp(key, counter, digits = 6) {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

// The code for a base32 secret at a time step.
export function totpForStep(base32Secret, step, digits = 6) {
  return hotp(base32Decode(base32Secret), step, digits);
}

// Checks the decoder and the code against RFC 6238's SHA-1 test vector (secret
// "12345678901234567890", T = 59 s gives 94287082, whose last six digits are 287082). Throws on
// a mismatch, so a broken helper cannot be mistaken for a broken server.
export function selfTest() {
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  const decoded = base32Decode(secret).toString('latin1');
  if (decoded !== '12345678901234567890') throw new Error(`base32 decoder gives ${decoded}`);
  const spaced = base32Decode('gezd gnbv gy3t qojq gezd gnbv gy3t qojq').toString('latin1');
  if (spaced !== decoded) throw new Error(`base32 decoder with blanks gives ${spaced}`);
  if (base32Decode('MZXW6YQ=').toString('latin1') !== 'foob') throw new Error('base32 padding');
  const step = timeStep(59 * 1000);
  const cases = [
    [totpForStep(secret, step), '287082'],
    [totpForStep(secret, step, 8), '94287082'],
    [totpForStep(secret, timeStep(1111111109 * 1000), 8), '07081804'],
    [totpForStep(secret, timeStep(20000000000 * 1000), 8), '65353130'],
  ];
  for (const [got, want] of cases) {
    if (got !== want) throw new Error(`TOTP self-test: got ${got}, want ${want}`);
  }
}
