//! Signing BPF programs the way the kernel (6.18, BPF_PROG_LOAD's `signature`/`keyring_id`) verifies them: a CMS
//! (PKCS#7) detached SignedData over the exact bytes loaded, SHA-256, no certificates and no signed attributes in
//! the message, the signer named by the certificate's subject key identifier (what bpftool's OpenSSL flags
//! CMS_NOCERTS | CMS_NOATTR | CMS_USE_KEYID produce). The kernel then finds the key by that identifier in the
//! keyring the certificate was added to. Pure Rust (RustCrypto): the static binary links no OpenSSL.
//!
//! Keys: RSA (PKCS#1 v1.5, what every kernel with X.509 support verifies) and ECDSA P-256 (the kernel needs
//! CONFIG_CRYPTO_ECDSA for it).

use der::asn1::{Any, ObjectIdentifier, OctetString, SetOfVec};
use der::{Decode, Encode};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use sha2::{Digest, Sha256};
use x509_cert::spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const SUBJECT_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");

/// The signing key: the algorithms the kernel's PKCS#7 code verifies.
enum Key {
    Rsa(Box<RsaPrivateKey>),
    P256(p256::ecdsa::SigningKey),
}

impl Key {
    fn from_pem(text: &str) -> Result<Key, SignError> {
        if let Ok(k) =
            RsaPrivateKey::from_pkcs8_pem(text).or_else(|_| RsaPrivateKey::from_pkcs1_pem(text))
        {
            return Ok(Key::Rsa(Box::new(k)));
        }
        p256::SecretKey::from_pkcs8_pem(text)
            .or_else(|_| p256::SecretKey::from_sec1_pem(text))
            .map(|k| Key::P256(k.into()))
            .map_err(|_| SignError::Key("not an RSA or P-256 private key in PEM".into()))
    }

    /// The public key as a SubjectPublicKeyInfo, to compare with the certificate's.
    fn public_der(&self) -> Result<Vec<u8>, SignError> {
        let der = match self {
            Key::Rsa(k) => k.to_public_key().to_public_key_der(),
            Key::P256(k) => k.verifying_key().to_public_key_der(),
        };
        der.map(|d| d.as_bytes().to_vec())
            .map_err(|e| SignError::Key(e.to_string()))
    }

    /// The certificate key algorithm this key must match.
    fn cert_algorithm(&self) -> ObjectIdentifier {
        match self {
            Key::Rsa(_) => RSA_ENCRYPTION,
            Key::P256(_) => EC_PUBLIC_KEY,
        }
    }

    /// The signature over SHA-256(data), and its CMS signature algorithm (as OpenSSL writes them).
    fn sign(&self, data: &[u8]) -> Result<(Vec<u8>, AlgorithmIdentifierOwned), SignError> {
        match self {
            Key::Rsa(k) => {
                let sig = k
                    .sign(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(data))
                    .map_err(|e| SignError::Key(e.to_string()))?;
                let alg = AlgorithmIdentifierOwned {
                    oid: RSA_ENCRYPTION,
                    parameters: Some(Any::null()),
                };
                Ok((sig, alg))
            }
            Key::P256(k) => {
                let sig: p256::ecdsa::Signature = p256::ecdsa::signature::Signer::sign(k, data);
                let alg = AlgorithmIdentifierOwned {
                    oid: ECDSA_WITH_SHA256,
                    parameters: None,
                };
                Ok((sig.to_der().as_bytes().to_vec(), alg))
            }
        }
    }
}

/// A private key and the certificate that vouches for it, checked to belong together.
pub struct Signer {
    key: Key,
    cert: Certificate,
    cert_der: Vec<u8>,
}

impl Signer {
    /// `key_pem`: PEM (PKCS#8, or PKCS#1 RSA / SEC1 EC); `cert`: X.509 in PEM or DER. The error says which of the
    /// two is wrong.
    pub fn new(key_pem: &[u8], cert: &[u8]) -> Result<Signer, SignError> {
        let text =
            std::str::from_utf8(key_pem).map_err(|_| SignError::Key("not PEM text".into()))?;
        let key = Key::from_pem(text)?;
        let cert = match std::str::from_utf8(cert) {
            Ok(pem) if pem.contains("-----BEGIN") => der::DecodePem::from_pem(pem)
                .map_err(|e| SignError::Cert(format!("bad PEM certificate ({e})")))?,
            _ => Certificate::from_der(cert)
                .map_err(|e| SignError::Cert(format!("not an X.509 certificate ({e})")))?,
        };
        let cert_der = cert.to_der().map_err(|e| SignError::Cert(e.to_string()))?;
        let spki = &cert.tbs_certificate.subject_public_key_info;
        let theirs = spki.to_der().map_err(|e| SignError::Cert(e.to_string()))?;
        if spki.algorithm.oid != key.cert_algorithm() || key.public_der()? != theirs {
            return Err(SignError::Mismatch);
        }
        Ok(Signer {
            key,
            cert,
            cert_der,
        })
    }

    /// The certificate in DER, as the kernel's keyring takes it (`add_key("asymmetric", ...)`).
    pub fn cert_der(&self) -> &[u8] {
        &self.cert_der
    }

    /// The DER CMS SignedData over `data`, detached (the data itself is not in it).
    pub fn sign(&self, data: &[u8]) -> Result<Vec<u8>, SignError> {
        let (signature, algorithm) = self.key.sign(data)?;
        signed_data(&self.cert, signature, algorithm).map_err(|e| SignError::Encode(e.to_string()))
    }
}

/// The certificate's subject key identifier, when it has one.
fn subject_key_id(cert: &Certificate) -> Option<OctetString> {
    let ext = cert
        .tbs_certificate
        .extensions
        .as_ref()?
        .iter()
        .find(|e| e.extn_id == SUBJECT_KEY_ID)?;
    OctetString::from_der(ext.extn_value.as_bytes()).ok()
}

fn signed_data(
    cert: &Certificate,
    signature: Vec<u8>,
    signature_algorithm: AlgorithmIdentifierOwned,
) -> der::Result<Vec<u8>> {
    use cms::signed_data::{
        EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
    };
    // CMS names the signer by key identifier (version 3) or, for a certificate without one, by issuer and
    // serial (version 1); the kernel's PKCS#7 parser accepts exactly these pairings.
    let (sid, version) = match subject_key_id(cert) {
        Some(skid) => (
            SignerIdentifier::SubjectKeyIdentifier(x509_cert::ext::pkix::SubjectKeyIdentifier(
                skid,
            )),
            cms::content_info::CmsVersion::V3,
        ),
        None => (
            SignerIdentifier::IssuerAndSerialNumber(cms::cert::IssuerAndSerialNumber {
                issuer: cert.tbs_certificate.issuer.clone(),
                serial_number: cert.tbs_certificate.serial_number.clone(),
            }),
            cms::content_info::CmsVersion::V1,
        ),
    };
    let sha256 = AlgorithmIdentifierOwned {
        oid: ID_SHA256,
        parameters: None,
    };
    let signer = SignerInfo {
        version,
        sid,
        digest_alg: sha256.clone(),
        signed_attrs: None,
        signature_algorithm,
        signature: OctetString::new(signature)?,
        unsigned_attrs: None,
    };
    let data = SignedData {
        version,
        digest_algorithms: SetOfVec::try_from(vec![sha256])?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: ID_DATA,
            econtent: None,
        },
        certificates: None,
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![signer])?),
    };
    cms::content_info::ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&data)?,
    }
    .to_der()
}

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("private key: {0}")]
    Key(String),
    #[error("certificate: {0}")]
    Cert(String),
    #[error("the private key does not belong to the certificate (their public keys differ)")]
    Mismatch,
    #[error("cannot encode the signature: {0}")]
    Encode(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};
    use std::process::Command;

    fn openssl(dir: &Path, args: &[&str]) -> bool {
        Command::new("openssl")
            .env_remove("LD_LIBRARY_PATH")
            .current_dir(dir)
            .args(args)
            .output()
            .expect("openssl CLI (a test oracle only)")
            .status
            .success()
    }

    fn key_and_cert(dir: &Path, name: &str, newkey: &str) -> (Vec<u8>, PathBuf) {
        let (key, cert) = (format!("{name}.key"), format!("{name}.crt"));
        let subj = format!("/CN=ebpfctl {name}");
        let args = [
            "req", "-x509", "-newkey", newkey, "-nodes", "-keyout", &key, "-out", &cert, "-subj",
            &subj, "-days", "1",
        ];
        assert!(openssl(dir, &args));
        (std::fs::read(dir.join(key)).unwrap(), dir.join(cert))
    }

    /// OpenSSL, independent of this code, accepts the signature over the signed bytes and refuses it over bytes
    /// changed by one bit; a key that is not the certificate's is refused before anything is signed. For RSA and
    /// for ECDSA P-256 keys, and across the two (an EC key with an RSA certificate).
    #[test]
    fn openssl_verifies_the_detached_signature() {
        let dir = std::env::temp_dir().join(format!("ebpfctl-sign-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let insns: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
        std::fs::write(dir.join("insns"), &insns).unwrap();
        let mut tampered = insns.clone();
        tampered[100] ^= 1;
        std::fs::write(dir.join("tampered"), &tampered).unwrap();
        let mut keys = Vec::new();
        assert!(openssl(
            &dir,
            &["ecparam", "-name", "prime256v1", "-out", "p256.param"]
        ));
        for (name, newkey) in [("rsa", "rsa:2048"), ("ec", "ec:p256.param")] {
            let (key, cert) = key_and_cert(&dir, name, newkey);
            let signer = Signer::new(&key, &std::fs::read(&cert).unwrap()).unwrap();
            let sig = format!("{name}.sig");
            std::fs::write(dir.join(&sig), signer.sign(&insns).unwrap()).unwrap();
            let crt = format!("{name}.crt");
            let verify = |content: &str| {
                let args = [
                    "cms",
                    "-verify",
                    "-binary",
                    "-inform",
                    "DER",
                    "-in",
                    &sig,
                    "-content",
                    content,
                    "-certfile",
                    &crt,
                    "-noverify",
                    "-out",
                    "/dev/null",
                ];
                openssl(&dir, &args)
            };
            assert!(verify("insns"), "{name}");
            assert!(!verify("tampered"), "{name}");
            // The certificate in DER (for the keyring) is the PEM file's content.
            let der = format!("{name}.der");
            assert!(openssl(
                &dir,
                &["x509", "-in", &crt, "-outform", "DER", "-out", &der]
            ));
            assert_eq!(signer.cert_der(), std::fs::read(dir.join(&der)).unwrap());
            keys.push((key, cert));
        }
        let (other_rsa, _) = key_and_cert(&dir, "rsa2", "rsa:2048");
        let rsa_cert = std::fs::read(&keys[0].1).unwrap();
        assert!(matches!(
            Signer::new(&other_rsa, &rsa_cert),
            Err(SignError::Mismatch)
        ));
        assert!(matches!(
            Signer::new(&keys[1].0, &rsa_cert),
            Err(SignError::Mismatch)
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
