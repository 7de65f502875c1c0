package io.voxcpm.mrcp.message;

/** Response status codes (RFC 6787 §5.4). */
public final class MrcpStatus {

    public static final int SUCCESS = 200;
    public static final int SUCCESS_WITH_IGNORE = 201;
    public static final int METHOD_NOT_ALLOWED = 401;
    public static final int METHOD_NOT_VALID_IN_STATE = 402;
    public static final int UNSUPPORTED_HEADER = 403;
    public static final int ILLEGAL_HEADER_VALUE = 404;
    public static final int RESOURCE_NOT_ALLOCATED = 405;
    public static final int MANDATORY_HEADER_MISSING = 406;
    public static final int METHOD_FAILED = 407;
    public static final int UNRECOGNIZED_MESSAGE = 408;
    public static final int UNSUPPORTED_HEADER_VALUE = 409;
    public static final int NON_MONOTONIC_SEQUENCE = 410;
    /** First of the resource-specific failures 421-499. */
    public static final int RESOURCE_SPECIFIC_FAILURE = 421;
    public static final int SERVER_INTERNAL_ERROR = 501;
    public static final int PROTOCOL_VERSION_NOT_SUPPORTED = 502;
    public static final int MESSAGE_TOO_LARGE = 504;

    private MrcpStatus() {
    }

    /** A human-readable meaning, for logs; the wire carries only the number. */
    public static String reason(int statusCode) {
        return switch (statusCode) {
            case SUCCESS -> "Success";
            case SUCCESS_WITH_IGNORE -> "Success with some optional header fields ignored";
            case METHOD_NOT_ALLOWED -> "Method not allowed";
            case METHOD_NOT_VALID_IN_STATE -> "Method not valid in this state";
            case UNSUPPORTED_HEADER -> "Unsupported header field";
            case ILLEGAL_HEADER_VALUE -> "Illegal value for header field";
            case RESOURCE_NOT_ALLOCATED -> "Resource not allocated for this session or does not exist";
            case MANDATORY_HEADER_MISSING -> "Mandatory header field missing";
            case METHOD_FAILED -> "Method or operation failed";
            case UNRECOGNIZED_MESSAGE -> "Unrecognized or unsupported message entity";
            case UNSUPPORTED_HEADER_VALUE -> "Unsupported header field value";
            case NON_MONOTONIC_SEQUENCE -> "Non-monotonic or out-of-order sequence number in request";
            case SERVER_INTERNAL_ERROR -> "Server internal error";
            case PROTOCOL_VERSION_NOT_SUPPORTED -> "Protocol version not supported";
            case MESSAGE_TOO_LARGE -> "Message too large";
            default -> statusCode >= 421 && statusCode <= 499 ? "Resource-specific failure" : "Unknown status";
        };
    }

    public static boolean isSuccess(int statusCode) {
        return statusCode >= 200 && statusCode <= 299;
    }
}
