import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { authContract, type SessionUser } from '../../../shared/contracts/auth.js'
import { ApiError, call } from '../../api/client.js'

export function useSession() {
  return useQuery({
    queryKey: ['session'],
    queryFn: async () => {
      try {
        return (await call(authContract.me)).user
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null
        throw error
      }
    },
    staleTime: 60_000,
  })
}

export function useLogout() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => call(authContract.logout),
    onSettled: () => {
      queryClient.clear()
      queryClient.setQueryData(['session'], null)
    },
  })
}

export function rolesOf(user: SessionUser) {
  return [...new Set(user.memberships.map((m) => m.role))]
}
