// node --test tests/e2e/totp.test.mjs: the TOTP helper the browser tests compute codes with.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { base32Decode, hotp, selfTest, timeStep, totpForStep } from './totp.mjs';

const kRfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';  // base32 of "12345678901234567890"

test('base32 decodes RFC 4648 vectors, with blanks, lower case and padding', () => {
  assert.equal(base32Decode('').toString(), '');
  assert.equal(base32Decode('MY======').toString(), 'f');
  assert.equal(base32Decode('MZXQ====').toString(), 'fo');
  assert.equal(base32Decode('MZXW6===').toString(), 'foo');
  assert.equal(base32Decode('MZXW6YQ=').toString(), 'foob');
  assert.equal(base32Decode('MZXW6YTB').toString(), 'fooba');
  assert.equal(base32Decode('MZXW6YTBOI======').toString(), 'foobar');
  assert.equal(base32Decode('mzxw 6ytb oi').toString(), 'foobar');
  assert.equal(base32Decode(kRfcSecret).toString(), '12345678901234567890');
  assert.throws(() => base32Decode('MZXW1'), /not a base32 character/);
});

test('HOTP matches RFC 4226 appendix D', () => {
  const key = Buffer.from('12345678901234567890');
  const expected = ['755224', '287082', '359152', '969429', '338314',
                    '254676', '287922', '162583', '399871', '520489'];
  expected.forEach((code, counter) => assert.equal(hotp(key, counter), code));
});

test('TOTP matches RFC 6238 appendix B (SHA-1)', () => {
  const vectors = [[59, '94287082'], [1111111109, '07081804'], [1111111111, '14050471'],
                   [1234567890, '89005924'], [2000000000, '69279037'], [20000000000, '65353130']];
  for (const [seconds, code] of vectors) {
    assert.equal(totpForStep(kRfcSecret, timeStep(seconds * 1000), 8), code, `T=${seconds}`);
  }
  assert.equal(totpForStep(kRfcSecret, timeStep(59 * 1000)), '287082');
});

test('the self-test the browser test runs first passes', () => {
  selfTest();
});
