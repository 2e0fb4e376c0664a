# Names that contain secret-ish words but hold no secret.
import enum


class PrimitiveType(enum.IntEnum):
    TOKEN: _PrimitiveType.ValueType  # 17
    OPAQUE_TYPE: _PrimitiveType.ValueType  # 14


class UserStatus(str, enum.Enum):
    FORCE_CHANGE_PASSWORD = "FORCE_CHANGE_PASSWORD"
    RESET_REQUIRED = "RESET_REQUIRED"


OID_NAMES = {
    "CHALLENGE_PASSWORD": "challengePassword",
    "UNSTRUCTURED_NAME": "unstructuredName",
}
RESOURCE_HASHES = {
    "AWS::ApiGateway::ApiKey": "48205d4ffd7feba3",
    "AWS::SecretsManager::Secret": "c85175a4ebcce361",
}
ENV_SNAPSHOT = {"PWD": "/home/builder/webshop2", "OLDPWD": "/home/builder"}
labels = {"password": "Passwort", "api_key": "API-Schlüssel"}
