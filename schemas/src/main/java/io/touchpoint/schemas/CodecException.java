package io.touchpoint.schemas;

/** A payload that is not a record of the expected type; {@link #kind()} says why, in dead-letter terms. */
public final class CodecException extends Exception {

    /** Mirrors the decode-related dead-letter reasons of SPEC section 2. */
    public enum Kind {
        DECODE_ERROR,
        UNKNOWN_SCHEMA
    }

    private final Kind kind;

    public CodecException(Kind kind, String detail) {
        super(detail, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
