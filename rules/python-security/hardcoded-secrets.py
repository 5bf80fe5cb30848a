import boto3

# ruleid: hardcoded-secret-assignment
DATABASE_PASSWORD = "s3cr3t-Passw0rd!"
# ruleid: hardcoded-secret-assignment
api_key = "0123456789abcdef0123"
# ok: hardcoded-secret-assignment
PASSWORD_FIELD = "password_hash"
# ok: hardcoded-secret-assignment
api_key = os.environ["API_KEY"]
# ok: hardcoded-secret-assignment
token = ""
# ok: hardcoded-secret-assignment
username = "administrator"

settings = {
    # ruleid: hardcoded-secret-assignment
    "client_secret": "f00dBabe4242cafe",
    # ok: hardcoded-secret-assignment
    "client_id": "my-client-id-1234",
}

# ruleid: hardcoded-secret-assignment
client = connect(host="db", password="hunter2hunter2")

s3 = boto3.client(
    "s3",
    # ruleid: hardcoded-cloud-key
    aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
)

# ruleid: hardcoded-cloud-key
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n"
# ok: hardcoded-cloud-key
HEADER = "-----BEGIN CERTIFICATE-----"
# ok: hardcoded-cloud-key
REGION = "eu-west-1"
