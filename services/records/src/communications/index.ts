export { communicationsSlice } from './communications.slice';
export { noticeChannelPolicyFromEnv, noticeBody, type NoticeChannelPolicy } from './notice-channels';
export { NOTICE_ID_HEADER, NOTICE_SIGNATURE_HEADER } from './notice-signature';
export { tellStoryOnceKnown } from './notices.reactions';
export { projectServiceEntry } from './service-catalogue.projection';
