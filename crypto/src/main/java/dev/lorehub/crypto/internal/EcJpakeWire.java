package dev.lorehub.crypto.internal;

import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKECurve;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKECurves;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKERound1Payload;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKERound2Payload;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKERound3Payload;
import org.bouncycastle.crypto.agreement.ecjpake.ECSchnorrZKP;
import org.bouncycastle.math.ec.ECPoint;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Byte encodings of BouncyCastle's EC J-PAKE payloads (curve P-256), for the pairing messages.
 *
 * <pre>
 * participant id : u8 length || ASCII            (at most 200 bytes)
 * point          : u8 length || SEC1 compressed  (33 bytes on P-256)
 * scalar         : u8 length || two's complement big-endian (at most 66 bytes; BC's MAC tag is a signed BigInteger)
 * zkp            : point V || scalar r
 * round 1        : id || gx1 || gx2 || zkp(x1) || zkp(x2)
 * round 2        : id || A || zkp(x2*s)
 * round 3        : id || scalar macTag
 * </pre>
 *
 * <p>Decoding checks lengths and that points lie on the curve; the zero-knowledge proofs are then
 * checked by BC's participant. BC 1.87 has no public way to build a received
 * {@link ECSchnorrZKP} (its constructor is package-private), so this class reaches that
 * constructor reflectively, once; that works on the class path (BC's packages are open to the
 * unnamed module). On the module path it needs
 * {@code --add-opens org.bouncycastle.provider/org.bouncycastle.crypto.agreement.ecjpake=ALL-UNNAMED},
 * and {@link #checkAvailable()} says so.
 */
public final class EcJpakeWire {
    public static final ECJPAKECurve CURVE = ECJPAKECurves.NIST_P256;
    private static final int MAX_ID = 200;
    private static final int MAX_POINT = 65;
    private static final int MAX_SCALAR = 66;

    private static final Constructor<ECSchnorrZKP> ZKP;
    private static final String ZKP_PROBLEM;

    static {
        Constructor<ECSchnorrZKP> c = null;
        String problem = null;
        try {
            c = ECSchnorrZKP.class.getDeclaredConstructor(ECPoint.class, BigInteger.class);
            c.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            c = null;
            problem = "BouncyCastle's ECSchnorrZKP cannot be constructed (" + e + "). Run on the class path, or add "
                + "--add-opens org.bouncycastle.provider/org.bouncycastle.crypto.agreement.ecjpake=ALL-UNNAMED";
        }
        ZKP = c;
        ZKP_PROBLEM = problem;
    }

    private EcJpakeWire() {
    }

    /** Throws {@link IllegalStateException} explaining the fix if received proofs cannot be decoded in this runtime. */
    public static void checkAvailable() {
        if (ZKP == null) {
            throw new IllegalStateException(ZKP_PROBLEM);
        }
    }

    public static void write(ByteWriter w, ECJPAKERound1Payload p) {
        id(w, p.getParticipantId());
        point(w, p.getGx1());
        point(w, p.getGx2());
        zkp(w, p.getKnowledgeProofForX1());
        zkp(w, p.getKnowledgeProofForX2());
    }

    public static void write(ByteWriter w, ECJPAKERound2Payload p) {
        id(w, p.getParticipantId());
        point(w, p.getA());
        zkp(w, p.getKnowledgeProofForX2s());
    }

    public static void write(ByteWriter w, ECJPAKERound3Payload p) {
        id(w, p.getParticipantId());
        scalar(w, p.getMacTag());
    }

    public static ECJPAKERound1Payload readRound1(ByteReader r) {
        String id = id(r);
        ECPoint gx1 = point(r, "gx1");
        ECPoint gx2 = point(r, "gx2");
        ECSchnorrZKP z1 = zkp(r);
        ECSchnorrZKP z2 = zkp(r);
        return new ECJPAKERound1Payload(id, gx1, gx2, z1, z2);
    }

    public static ECJPAKERound2Payload readRound2(ByteReader r) {
        String id = id(r);
        ECPoint a = point(r, "A");
        return new ECJPAKERound2Payload(id, a, zkp(r));
    }

    public static ECJPAKERound3Payload readRound3(ByteReader r) {
        String id = id(r);
        return new ECJPAKERound3Payload(id, scalar(r, "mac tag"));
    }

    private static void id(ByteWriter w, String id) {
        w.shortBytes(id.getBytes(StandardCharsets.US_ASCII));
    }

    private static String id(ByteReader r) {
        byte[] b = r.shortBytes(MAX_ID, "participant id");
        for (byte c : b) {
            if (c < 0x20 || c > 0x7E) {
                throw new Malformed("participant id is not printable ASCII", false);
            }
        }
        return new String(b, StandardCharsets.US_ASCII);
    }

    private static void point(ByteWriter w, ECPoint p) {
        w.shortBytes(p.getEncoded(true));
    }

    private static ECPoint point(ByteReader r, String what) {
        byte[] b = r.shortBytes(MAX_POINT, what);
        try {
            return CURVE.getCurve().decodePoint(b); // rejects encodings of points not on the curve
        } catch (RuntimeException e) {
            throw new Malformed(what + " is not a point on P-256", false);
        }
    }

    private static void scalar(ByteWriter w, BigInteger v) {
        w.shortBytes(v.toByteArray());
    }

    private static BigInteger scalar(ByteReader r, String what) {
        byte[] b = r.shortBytes(MAX_SCALAR, what);
        if (b.length == 0) {
            throw new Malformed(what + " is empty", false);
        }
        return new BigInteger(b);
    }

    private static void zkp(ByteWriter w, ECSchnorrZKP z) {
        point(w, z.getV());
        scalar(w, z.getr());
    }

    private static ECSchnorrZKP zkp(ByteReader r) {
        ECPoint v = point(r, "proof commitment");
        BigInteger s = scalar(r, "proof response");
        checkAvailable();
        try {
            return ZKP.newInstance(v, s);
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot build a Schnorr proof object: " + e, e);
        }
    }
}
