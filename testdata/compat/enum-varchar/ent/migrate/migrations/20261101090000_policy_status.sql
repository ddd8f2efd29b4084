-- Create enum type "policy_status"
CREATE TYPE "policy_status" AS ENUM ('draft', 'active', 'retired');
