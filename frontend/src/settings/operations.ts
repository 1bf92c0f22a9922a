/** GraphQL documents of the settings page: the caller's own email and notifications. */
import { graphql } from '../gql';

export const ProfileQuery = graphql(`
  query Profile {
    me {
      id
      email
      emailNotifications
    }
  }
`);

export const UpdateProfileMutation = graphql(`
  mutation UpdateProfile($email: String, $emailNotifications: Boolean) {
    updateProfile(email: $email, emailNotifications: $emailNotifications) {
      id
      email
      emailNotifications
    }
  }
`);
