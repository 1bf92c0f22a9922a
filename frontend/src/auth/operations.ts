/** GraphQL documents of the session: sign in, token rotation, sign out. */
import { graphql } from '../gql';

export const AuthUserFields = graphql(`
  fragment AuthUserFields on User {
    id
    username
    role
  }
`);

export const TokenAuthMutation = graphql(`
  mutation TokenAuth($username: String!, $password: String!) {
    tokenAuth(username: $username, password: $password) {
      token
      refreshToken
      user {
        ...AuthUserFields
      }
    }
  }
`);

export const RefreshTokenMutation = graphql(`
  mutation RefreshToken($refreshToken: String!) {
    refreshToken(refreshToken: $refreshToken) {
      token
      refreshToken
      user {
        ...AuthUserFields
      }
    }
  }
`);

export const RevokeTokenMutation = graphql(`
  mutation RevokeToken($refreshToken: String!) {
    revokeToken(refreshToken: $refreshToken)
  }
`);

export const RegisterMutation = graphql(`
  mutation Register($username: String!, $password: String!, $role: Role!, $email: String) {
    register(username: $username, password: $password, role: $role, email: $email) {
      token
      refreshToken
      user {
        ...AuthUserFields
      }
    }
  }
`);
