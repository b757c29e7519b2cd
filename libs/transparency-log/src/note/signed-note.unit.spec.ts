import { cosign } from './cosignature';
import { generateKeyPair, parseSigningKey, parseVerifierKey, verifierKeyOf, type VerifierKey } from './keys';
import { formatNote, parseNote } from './note-format';
import { openNote } from './open-note';
import { signNote } from './sign-note';

const value = <T>(outcome: { ok: true; value: T } | { ok: false; reason: string }): T => {
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.value;
};

// Go's golang.org/x/mod/sumdb/note tests (note_test.go): deterministic Ed25519 makes the signature a known answer.
const PETER = value(parseSigningKey('PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz'));
const PETER_VKEY = value(parseVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'));
const ENOCH_VKEY = value(parseVerifierKey('EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop'));
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
const labels = (keys: readonly { key: VerifierKey }[]) => keys.map(({ key }) => key.name);

describe('signing a note', () => {
  it("gives Go's published signed note, byte for byte", () => {
    expect(value(signNote(TEXT, [PETER]))).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('refuses a text that cannot be a note, and a cosigner key', () => {
    expect(signNote('abc', [PETER])).toEqual({ ok: false, reason: 'a note text ends with a newline' });
    expect(signNote('a\u0001b\n', [PETER])).toEqual({ ok: false, reason: 'a note holds no control characters other than newlines' });
    const witness = value(parseSigningKey(generateKeyPair('witness.example/w1', 'cosignature/v1').signingKey));
    expect(signNote(TEXT, [witness])).toEqual({ ok: false, reason: 'witness.example/w1 is a cosignature/v1 key: it cosigns checkpoints, it does not sign notes' });
  });
});

describe('opening a note with trusted keys', () => {
  it("verifies C2SP's published example with its published verifier key", () => {
    const vkey = value(parseVerifierKey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'));
    const note = 'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
    expect(value(openNote(note, [vkey])).text).toBe('This is an example message.\n');
  });

  it("keeps the trusted key's signature and sets aside an unknown one (Go's TestOpen)", () => {
    const opened = value(openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [PETER_VKEY]));
    expect(opened.text).toBe(TEXT);
    expect(labels(opened.verified)).toEqual(['PeterNeumann']);
    expect(opened.unverified.map((s) => s.keyName)).toEqual(['EnochRoot']);
    expect(labels(value(openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [PETER_VKEY, ENOCH_VKEY])).verified)).toEqual(['PeterNeumann', 'EnochRoot']);
  });

  it('rejects a note no trusted key signed, naming who is trusted and who signed', () => {
    expect(openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [])).toEqual({ ok: false, reason: 'no trusted key signed the note (trusted: none; signed by: PeterNeumann+c74f20a3, EnochRoot+af0cfe78)' });
    // a key of the same name but another key ID is another key: its lines are ignored, so nothing verifies
    const impostor = value(parseVerifierKey(generateKeyPair('PeterNeumann').verifierKey));
    expect(openNote(`${TEXT}\n${PETER_SIG}`, [impostor]).ok).toBe(false);
  });

  it('rejects the whole note when a trusted key signature does not verify', () => {
    const broken = `${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
    expect(openNote(`${TEXT}\n${broken}`, [PETER_VKEY])).toEqual({ ok: false, reason: 'the signature of trusted key PeterNeumann+c74f20a3 does not verify' });
    expect(openNote(`${TEXT.replace('answer', 'question')}\n${PETER_SIG}`, [PETER_VKEY]).ok).toBe(false);
  });

  it('refuses two trusted keys it cannot tell apart', () => {
    expect(openNote(`${TEXT}\n${ENOCH_SIG}`, [ENOCH_VKEY, PETER_VKEY, ENOCH_VKEY])).toEqual({ ok: false, reason: 'two trusted keys are named EnochRoot+af0cfe78: a signature cannot tell which one made it' });
  });

  it('verifies a cosignature/v1 signature and gives its time', () => {
    const pair = generateKeyPair('witness.example/w1', 'cosignature/v1');
    const witness = value(parseSigningKey(pair.signingKey));
    const text = 'example.com/log\n3\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    const opened = value(openNote(`${text}\n${cosign(text, witness, 1679315147)}`, [witness.verifierKey]));
    expect(opened.verified[0]).toMatchObject({ key: { name: 'witness.example/w1' }, timestamp: 1679315147 });
    // the same key taken as a plain Ed25519 key has another key ID: the line is someone else's
    const asPlain = value(verifierKeyOf('witness.example/w1', 'ed25519', witness.verifierKey.publicKey));
    expect(openNote(`${text}\n${cosign(text, witness, 1679315147)}`, [asPlain]).ok).toBe(false);
  });
});

describe('the form of a signed note, read strictly', () => {
  const malformed: [string, string][] = [
    [TEXT, 'the note has no blank line between its text and its signatures'],
    [`${TEXT}\n`, 'the note has no signature after its blank line'],
    [`${TEXT}\n${PETER_SIG.slice(0, -1)}`, 'the note does not end with a newline'],
    [`\u0001${TEXT}\n${PETER_SIG}`, 'a note holds no control characters other than newlines'],
    [`${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`, 'signature line 1: the signature of "Bad" is not standard, padded base64'],
    [`${TEXT}\n${PETER_SIG}Unexpected line.\n`, 'signature line 2: it does not start with an em dash (U+2014) and a space'],
    [`${TEXT}\n- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`, 'signature line 1: it does not start with an em dash (U+2014) and a space'],
    [`${TEXT}\n— PeterNeumann\n`, 'signature line 1: it has no space between the key name and the signature'],
    [`${TEXT}\n— PeterNeumann AAAA\n`, 'signature line 1: the signature of "PeterNeumann" is 3 bytes: too short for a key ID and a signature'],
    [`${TEXT}\n— Peter+Neumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`, 'signature line 1: the key name "Peter+Neumann" holds a plus sign'],
    [`${TEXT}\n${PETER_SIG.repeat(101)}`, 'the note has 101 signature lines, more than 100'],
    [`${TEXT}\r\n${PETER_SIG}`, 'a note holds no control characters other than newlines'],
  ];
  it.each(malformed)('refuses %j: %s', (message, reason) => {
    expect(parseNote(message)).toEqual({ ok: false, reason });
    expect(openNote(message, [PETER_VKEY])).toEqual({ ok: false, reason: `malformed note: ${reason}` });
  });

  it('refuses bytes that are not UTF-8, and notes past the size bound', () => {
    expect(parseNote(Buffer.concat([Buffer.from([0xff]), Buffer.from(`${TEXT}\n${PETER_SIG}`)]))).toEqual({ ok: false, reason: 'the note is not valid UTF-8' });
    expect(parseNote(`${'a'.repeat(1024 * 1024)}\n\n${PETER_SIG}`).ok).toBe(false);
  });

  it('takes the last blank line as the end of the text, and writes back what it read', () => {
    const note = value(parseNote(`one\n\ntwo\n\n${PETER_SIG}`));
    expect(note.text).toBe('one\n\ntwo\n');
    expect(formatNote(note)).toBe(`one\n\ntwo\n\n${PETER_SIG}`);
  });
});
