"""Errors as values of AWS's types, with AWS's codes; their HTTP status comes from the service model."""

from __future__ import annotations


class PersonalizeError(Exception):
    """An error Amazon Personalize would answer with; `code` is the `__type` on the wire."""

    code = "InvalidInputException"
    default_status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidInputException(PersonalizeError):
    code = "InvalidInputException"


class ResourceNotFoundException(PersonalizeError):
    code = "ResourceNotFoundException"

    @classmethod
    def for_arn(cls, arn: str) -> ResourceNotFoundException:
        return cls(f"Resource Arn {arn} does not exist.")


class ResourceAlreadyExistsException(PersonalizeError):
    code = "ResourceAlreadyExistsException"

    @classmethod
    def for_arn(cls, arn: str) -> ResourceAlreadyExistsException:
        return cls(f"Another resource with Arn {arn} already exists.")


class ResourceInUseException(PersonalizeError):
    code = "ResourceInUseException"


class LimitExceededException(PersonalizeError):
    code = "LimitExceededException"


class InvalidNextTokenException(PersonalizeError):
    code = "InvalidNextTokenException"


class TooManyTagsException(PersonalizeError):
    code = "TooManyTagsException"


class TooManyTagKeysException(PersonalizeError):
    code = "TooManyTagKeysException"


class SerializationException(PersonalizeError):
    """The body is not the JSON the protocol expects (what AWS's JSON services answer)."""

    code = "SerializationException"


class InvalidSignatureException(PersonalizeError):
    """The request's credential scope names a region the service is not in (AWS answers 403)."""

    code = "InvalidSignatureException"
    default_status = 403


class RequestEntityTooLargeException(PersonalizeError):
    """A body over the server's limit, refused from its Content-Length before it is read."""

    code = "RequestEntityTooLargeException"
    default_status = 413


class UnknownOperationException(PersonalizeError):
    code = "UnknownOperationException"


class NotImplementedOperation(PersonalizeError):
    """An operation of the model that this emulator does not serve yet: a clear 501, never a raw exception."""

    code = "NotImplementedException"
    default_status = 501

    def __init__(self, service: str, operation: str):
        super().__init__(
            f"personalize_emulator does not implement {service} {operation} yet; "
            "see the README's list of supported operations."
        )


class InternalFailure(PersonalizeError):
    code = "InternalFailure"
    default_status = 500


class JobFailed(Exception):
    """Raised by a background job's work to end it `CREATE FAILED` with this message as `failureReason` (never sent
    as an error answer: the resource's status carries it)."""
