// Original file: contracts/proto/gantry/v1/audit.proto


export interface GetLogKeyRequest {
}

export interface GetLogKeyRequest__Output {
}
